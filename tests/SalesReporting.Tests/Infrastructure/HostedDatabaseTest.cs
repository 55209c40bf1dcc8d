using Microsoft.Extensions.Hosting;

namespace SalesReporting.Tests.Infrastructure;

/// <summary>
/// A test class with databases of its own (named by <paramref name="prefix"/>) and the worker's services over
/// them, built with the given settings and clock; <see cref="SeedAsync"/> writes the class's source rows.
/// </summary>
public abstract class HostedDatabaseTest(string prefix, IDictionary<string, string?> settings, TimeProvider? clock = null) : IAsyncLifetime
{
#pragma warning disable IDE1006, SA1401 // the test bodies read them as db and host, as every test class did
    protected TestDatabase db = null!;
    protected IHost host = null!;
#pragma warning restore IDE1006, SA1401

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(prefix);
        host = db.BuildHost(settings, clock);
        await SeedAsync();
    }

    protected abstract Task SeedAsync();

    public async Task DisposeAsync()
    {
        host.Dispose();
        await db.DisposeAsync();
    }
}
