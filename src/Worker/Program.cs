using SalesReporting.Worker;

return await Cli.RunAsync(args);
