using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using SalesReporting.Worker.Hosting;
using Access = SalesReporting.Worker.Hosting.Serve.LocalOrBasicAuthorization.Access;

namespace SalesReporting.Tests.Hosting;

/// <summary>Who may open /hangfire, and who may only watch: the dashboard's login rules.</summary>
public sealed class DashboardAuthorizationTests
{
    private static readonly ForwardedHeadersSettings NoProxies = new();

    private static readonly Serve.LocalOrBasicAuthorization Filter = new(new DashboardOptions
    {
        User = "admin", Password = "s3cret-admin", ReadOnlyUser = "ops", ReadOnlyPassword = "s3cret-ops", LocalAnonymous = true,
    }, NoProxies, development: false);

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
        var none = new Serve.LocalOrBasicAuthorization(new DashboardOptions(), NoProxies, development: true);
        Assert.Equal(Access.None, none.AccessOf(Request("192.0.2.7", Basic(":"))));
        Assert.Equal(Access.Admin, none.AccessOf(Request("127.0.0.1")));
    }

    [Fact]
    public void Outside_Development_this_machine_needs_the_login_too_unless_the_setting_says_otherwise()
    {
        var production = new Serve.LocalOrBasicAuthorization(new DashboardOptions { User = "admin", Password = "s3cret-admin" }, NoProxies, development: false);
        Assert.Equal(Access.None, production.AccessOf(Request("127.0.0.1")));
        Assert.Equal(Access.Admin, production.AccessOf(Request("127.0.0.1", Basic("admin:s3cret-admin"))));
        var development = new Serve.LocalOrBasicAuthorization(new DashboardOptions { LocalAnonymous = false }, NoProxies, development: true);
        Assert.Equal(Access.None, development.AccessOf(Request("127.0.0.1")));
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Forwarded-Host", "reports.example.com")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Original-For", "127.0.0.1:50312")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    public void A_request_a_proxy_forwarded_is_never_local(string header, string value)
    {
        var http = Request("127.0.0.1");
        http.Request.Headers[header] = value;
        Assert.Equal(Access.None, Filter.AccessOf(http));
        http.Request.Headers.Authorization = Basic("ops:s3cret-ops");
        Assert.Equal(Access.ReadOnly, Filter.AccessOf(http));
    }

    [Fact]
    public void A_request_from_a_known_proxy_on_this_machine_is_not_local_even_without_forwarding_headers()
    {
        var behindProxy = new Serve.LocalOrBasicAuthorization(new DashboardOptions { LocalAnonymous = true },
            new ForwardedHeadersSettings { KnownNetworks = ["127.0.0.0/8"] }, development: true);
        Assert.Equal(Access.None, behindProxy.AccessOf(Request("127.0.0.1")));
        Assert.Equal(Access.Admin, behindProxy.AccessOf(Request("::1")));
        var proxies = new ForwardedHeadersSettings { KnownProxies = ["::1"] };
        Assert.False(Serve.IsLocal(Request("::1"), proxies));
    }
}
