using SalesReporting.Demo;

return await DemoCommand.RunAsync(args);
