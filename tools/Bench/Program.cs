using System.CommandLine;
using SalesReporting.Bench;

var root = new RootCommand("SalesReporting's bench: the month-end's stages on a generated organisation, each against its floor.") { BenchCommand.Create() };
return await root.Parse(args).InvokeAsync();
