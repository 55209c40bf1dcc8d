using Npgsql;
using SalesReporting.Data.Actions;

namespace SalesReporting.Worker.Jobs;

/// <summary>
/// An improvement action created or changed one at a time (the JSON API, the workspace) together with its follow-up jobs,
/// as one unit: the action's row and its <c>reporting.follow_up_job</c> rows are written in one transaction, so when
/// scheduling fails the action is not kept (or is left as it was) — as <c>import actions</c> does for a file
/// (docs/input.md). The old jobs of a moved or closed action are deleted only after the commit.
/// </summary>
public sealed class ActionWrites(ActionStore store, FollowUpScheduler scheduler)
{
    /// <summary>Null when an action with the same (rep, period, problem) exists already (nothing is scheduled).</summary>
    /// <param name="alsoInTransaction">more of the same unit (the workspace's change-log row), after the follow-ups</param>
    public async Task<ActionRecord?> CreateAsync(ActionFields fields, CancellationToken ct,
        Func<ActionRecord, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        Action afterCommit = () => { };
        var created = await store.CreateAsync(fields, ct, async (action, conn, tx) =>
        {
            afterCommit = (await scheduler.ScheduleAsync([action], conn, tx, ct)).AfterCommit;
            if (alsoInTransaction is not null) await alsoInTransaction(action, conn, tx);
        });
        afterCommit();
        return created;
    }

    /// <summary><see cref="ActionStore.UpdateAsync"/>, its follow-ups moved (or removed, for a done action) in the same transaction.</summary>
    public async Task<(ActionStore.UpdateOutcome Outcome, ActionRecord? Action)> UpdateAsync(AccessScope scope, long id, ActionFields fields,
        CancellationToken ct, Func<ActionRecord, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        Action afterCommit = () => { };
        var result = await store.UpdateAsync(scope, id, fields, ct, async (action, conn, tx) =>
        {
            afterCommit = (await scheduler.ScheduleAsync([action], conn, tx, ct)).AfterCommit;
            if (alsoInTransaction is not null) await alsoInTransaction(action, conn, tx);
        });
        afterCommit();
        return result;
    }
}
