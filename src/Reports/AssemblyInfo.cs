using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("SalesReporting.Tests")]
