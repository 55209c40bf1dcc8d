using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using SalesReporting.Data;

namespace SalesReporting.Worker.Workspace;

/// <summary>
/// The data-protection key ring in the reporting database, so every `serve` process behind one address reads the
/// same keys and a session outlives a restart. The keys are as safe as the database that holds the forms.
/// </summary>
public sealed class DatabaseXmlRepository(Databases db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var conn = db.Reporting.OpenConnection();
        return conn.Query<string>("select xml from reporting.data_protection_key order by id").Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var conn = db.Reporting.OpenConnection();
        conn.Execute("insert into reporting.data_protection_key(friendly_name, xml) values (@friendlyName, @xml) on conflict (friendly_name) do nothing",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
