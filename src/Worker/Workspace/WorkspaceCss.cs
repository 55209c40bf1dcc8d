namespace SalesReporting.Worker.Workspace;

/// <summary>The workspace's stylesheet (after the form's and the summary's own, which it adjusts for a screen).</summary>
public static class WorkspaceCss
{
    public const string Text = """
        html { font-size: 15px; line-height: 1.5; }
        body.ws { margin: 0; background: #f3f5f8; color: #1f2933; font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
        .ws .bar { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; background: #1f4e79; color: #fff; }
        .ws .bar a.brand { color: #fff; font-weight: bold; text-decoration: none; margin-right: auto; }
        .ws .bar .who { font-size: .85rem; opacity: .9; overflow-wrap: anywhere; }
        .ws .bar button.link { background: none; border: 1px solid rgba(255,255,255,.6); color: #fff; padding: .15rem .6rem; }
        .ws .page { max-width: 1100px; margin: 0 auto; padding: 1rem; }
        .ws .card { background: #fff; border: 1px solid #d9e0e7; border-radius: 6px; padding: 1rem; margin: 0 0 1rem; overflow-x: auto; }
        .ws .card.narrow { max-width: 32rem; margin: 2rem auto; }
        .ws .card.paper { font-size: 12px; }
        .ws .card.paper { counter-reset: section; }
        .ws .card.paper h2 { counter-increment: section; }
        .ws .card.paper h2::before { content: counter(section) ". "; }
        .ws h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
        .ws h2.ws-h { font-size: 1.1rem; margin: 0 0 .75rem; padding: 0; border: 0; background: none; counter-increment: none; }
        .ws h2.ws-h::before { content: none; }
        .ws .crumbs { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin-bottom: 1rem; }
        .ws .crumbs .button { margin-left: auto; }
        .ws .periods-nav a, .ws .periods-nav b { margin: 0 .25rem; }
        .ws a { color: #1f4e79; }
        .ws a.button, .ws button { display: inline-block; font: inherit; font-size: .95rem; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #1f4e79;
                                   background: #fff; color: #1f4e79; cursor: pointer; text-decoration: none; }
        .ws button.primary { background: #1f4e79; color: #fff; }
        .ws button.secondary { border-color: #9aa5b1; color: #3e4c59; }
        .ws form { margin: .5rem 0; }
        .ws form.inline { display: inline-block; margin: .25rem .5rem .25rem 0; }
        .ws label { display: block; font-size: .9rem; color: #3e4c59; }
        .ws input[type=text], .ws input[type=email], .ws input[type=date], .ws select, .ws textarea {
            display: block; width: 100%; box-sizing: border-box; font: inherit; font-size: 1rem; padding: .4rem .5rem; margin-top: .2rem;
            border: 1px solid #9aa5b1; border-radius: 4px; background: #fff; color: #1f2933; }
        .ws .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .6rem 1rem; margin-bottom: .6rem; }
        .ws .grid .wide { grid-column: 1 / -1; }
        .ws .row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; border-top: 1px solid #e4e7eb; padding-top: .5rem; }
        .ws .row .grow { flex: 1 1 16rem; }
        .ws .row input[type=text] { width: auto; flex: 1 1 12rem; margin: 0; }
        .ws .row select { width: auto; margin: 0; }
        .ws form.reason { border-top: 1px solid #e4e7eb; padding-top: .5rem; }
        .ws .buttons { display: flex; gap: .5rem; margin-top: .4rem; }
        .ws details.action { border: 1px solid #e4e7eb; border-radius: 4px; padding: .4rem .7rem; margin: .5rem 0; }
        .ws details.action summary { cursor: pointer; }
        .ws .notice { padding: .5rem .8rem; border-radius: 4px; margin: 0 0 1rem; }
        .ws .notice.good { background: #dff5e3; color: #1e5b2c; }
        .ws .notice.bad { background: #fde2e1; color: #8a1c1c; }
        .ws .error { display: block; color: #a61b1b; font-size: .85rem; }
        .ws .ok { color: #1e7b34; font-weight: bold; }
        .ws .muted { color: #7b8794; font-size: .85rem; }
        .ws .none { color: #7b8794; }
        .ws .pill { display: inline-block; padding: 0 .4rem; border-radius: 999px; background: #e3eaf1; color: #1f4e79; font-size: .8rem; }
        .ws .pill.warn { background: #fde2e1; color: #a61b1b; }
        .ws ul.conversation { list-style: none; padding: 0; margin: 0; }
        .ws ul.conversation li { border-left: 3px solid #9aa5b1; padding: .3rem .7rem; margin: .6rem 0; }
        .ws ul.conversation li.dispute { border-left-color: #c0392b; }
        .ws ul.conversation .body { white-space: pre-wrap; }
        .ws ul.conversation .answer { background: #f3f6f9; padding: .3rem .5rem; margin-top: .3rem; }
        .ws ul.reps, .ws ul.periods { columns: 14rem; padding-left: 1.2rem; }
        .ws table.list { border-collapse: collapse; width: 100%; table-layout: auto; }
        .ws table.list td, .ws table.list th { border: 1px solid #e4e7eb; padding: .3rem .5rem; text-align: left; font-size: .9rem; }
        .ws table.history { min-width: 40rem; }
        .ws table.history td.change { overflow-wrap: anywhere; font-family: monospace; font-size: .8rem; }
        .ws .nowrap { white-space: nowrap; }
        @media (max-width: 640px) {
            .ws .page { padding: .5rem; }
            .ws .card { padding: .7rem; }
            .ws .card.paper { font-size: 10px; }
            .ws .crumbs .button { margin-left: 0; }
        }
        """;
}
