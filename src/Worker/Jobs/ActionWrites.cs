using Npgsql;
using SalesReporting.Data;
using SalesReporting.Data.Actions;

namespace SalesReporting.Worker.Jobs;

/// <summary>
/// Improvement actions written together with their follow-up jobs, as one unit: the actions' rows and their
/// <c>reporting.follow_up_job</c> rows are written in one transaction, so when scheduling fails no action is kept (or an
/// edited one is left as it was) — one at a time (the JSON API, the workspace) or a whole file (<c>import actions</c>,
/// the team page's upload; docs/input.md). The old jobs of a moved or closed action are deleted only after the commit.
/// </summary>
public sealed class ActionWrites(ActionStore store, ActionImport import, FollowUpScheduler scheduler)
{
    /// <summary>Null when an action with the same (rep, period, problem) exists already (nothing is scheduled).</summary>
    /// <param name="alsoInTransaction">more of the same unit (the workspace's change-log row), after the follow-ups</param>
    public async Task<ActionRecord?> CreateAsync(ActionFields fields, CancellationToken ct,
        Func<ActionRecord, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        var unit = new Unit(scheduler, ct);
        var created = await store.CreateAsync(fields, ct, (action, conn, tx) => unit.ScheduleAsync([action], conn, tx, alsoInTransaction is null ? null : () => alsoInTransaction(action, conn, tx)));
        unit.Committed();
        return created;
    }

    /// <summary><see cref="ActionStore.UpdateAsync"/>, its follow-ups moved (or removed, for a done action) in the same transaction.</summary>
    public async Task<(ActionStore.UpdateOutcome Outcome, ActionRecord? Action)> UpdateAsync(AccessScope scope, long id, ActionFields fields,
        CancellationToken ct, Func<ActionRecord, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        var unit = new Unit(scheduler, ct);
        var result = await store.UpdateAsync(scope, id, fields, ct, (action, conn, tx) => unit.ScheduleAsync([action], conn, tx, alsoInTransaction is null ? null : () => alsoInTransaction(action, conn, tx)));
        unit.Committed();
        return result;
    }

    /// <summary>An actions file (<see cref="ActionImport"/>, checked whole) with the follow-ups of every row it wrote.</summary>
    /// <param name="alsoInTransaction">more of the same unit (the workspace's change-log row), after the follow-ups</param>
    public async Task<(IReadOnlyList<ActionRecord> Actions, int Scheduled)> ImportAsync(string path, CancellationToken ct, TeamScope? team = null,
        string? encoding = null, Func<IReadOnlyList<ActionRecord>, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        var unit = new Unit(scheduler, ct);
        var actions = await import.ImportAsync(path, ct, team, encoding, (rows, conn, tx) =>
            unit.ScheduleAsync(rows, conn, tx, alsoInTransaction is null ? null : () => alsoInTransaction(rows, conn, tx)));
        unit.Committed();
        return (actions, unit.Scheduled);
    }

    /// <summary>The follow-ups scheduled inside the write's transaction, and what is left to do once it has committed.</summary>
    private sealed class Unit(FollowUpScheduler scheduler, CancellationToken ct)
    {
        private Action afterCommit = () => { };
        public int Scheduled { get; private set; }

        public async Task ScheduleAsync(IReadOnlyList<ActionRecord> actions, NpgsqlConnection conn, NpgsqlTransaction tx, Func<Task>? more)
        {
            (Scheduled, afterCommit) = await scheduler.ScheduleAsync(actions, conn, tx, ct);
            if (more is not null) await more();
        }

        public void Committed() => afterCommit();
    }
}
