using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using SalesReporting.Worker.Hosting;
using Access = SalesReporting.Worker.Hosting.Serve.LocalOrBasicAuthorization.Access;

namespace SalesReporting.Tests.Hosting;

/// <summary>Who may open /hangfire, and who may only watch: the dashboard's login rules.</summary>
public sealed class DashboardAuthorizationTests
{
    private static readonly Serve.LocalOrBasicAuthorization Filter = new(new DashboardOptions
    {
        User = "admin", Password = "s3cret-admin", ReadOnlyUser = "ops", ReadOnlyPassword = "s3cret-ops",
    });

    private static HttpContext Request(string ip, string? authorization = null)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        if (authorization is not null) http.Request.Headers.Authorization = authorization;
        return http;
    }

    private static string Basic(string userPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userPassword));

    [Theory]
    [InlineData("127.0.0.1", null, Access.Admin)]
    [InlineData("::1", null, Access.Admin)]
    [InlineData("10.1.2.3", null, Access.None)]
    [InlineData("10.1.2.3", "admin:s3cret-admin", Access.Admin)]
    [InlineData("10.1.2.3", "ops:s3cret-ops", Access.ReadOnly)]
    [InlineData("10.1.2.3", "admin:s3cret-ops", Access.None)]
    [InlineData("10.1.2.3", "ops:s3cret-admin", Access.None)]
    [InlineData("10.1.2.3", "admin:s3cret-admi", Access.None)]
    public void From_another_machine_only_a_configured_login_opens_the_dashboard_and_the_read_only_one_only_watches(string ip, string? login, Access expected) =>
        Assert.Equal(expected, Filter.AccessOf(Request(ip, login is null ? null : Basic(login))));

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Bearer admin:s3cret-admin")]
    [InlineData("Basic ")]
    public void A_malformed_authorization_header_is_refused_not_crashed_on(string header) =>
        Assert.Equal(Access.None, Filter.AccessOf(Request("192.0.2.7", header)));

    [Fact]
    public void Without_configured_logins_the_dashboard_is_open_only_from_this_machine()
    {
        var none = new Serve.LocalOrBasicAuthorization(new DashboardOptions());
        Assert.Equal(Access.None, none.AccessOf(Request("192.0.2.7", Basic(":"))));
        Assert.Equal(Access.Admin, none.AccessOf(Request("127.0.0.1")));
    }
}
