"""PostgreSQL: record a pledge under the project's lock in one call.

`funding.services.contributions.contribution_create` checks everything it can
before taking any lock and authorises the card outside it; what must be
decided under the project's row lock is done here, in one round trip, so that
the lock is held for one statement and the commit instead of a dozen
statements (see docs/architecture.md, "The hot path of a pledge"):

1. lock the project row (FOR UPDATE OF the project only, as the ORM path);
2. a contribution with the same (contributor, idempotency key) → 'duplicate';
3. campaign closed, over the cap (with the room left), reward sold out →
   the matching refusal, nothing written;
4. insert the contribution, claim the reward, lock the pools covering the
   project in primary-key order, commit the first applicable first-euro
   match, then the lump sums whose threshold the crowd just reached (each
   with its ledger transfer pool → escrow and the pool's balance), and the
   project's totals and goal date.

The rules mirror `funding.services.matching` (which SQLite and every other
path use) statement for statement; `funding/tests/test_record_parity.py` runs
the same random histories through both and compares every row.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION funding_contribution_record(
    p_project bigint, p_contributor bigint, p_kind text, p_amount bigint, p_reward bigint,
    p_anonymous boolean, p_message text, p_key text, p_provider text, p_reference text,
    p_status text, p_now timestamptz,
    OUT r_outcome text, OUT r_contribution bigint, OUT r_room bigint, OUT r_matched bigint,
    OUT r_goal_reached_now boolean
) AS $$
DECLARE
    v_project funding_project%ROWTYPE;
    v_cap bigint;
    v_pledged bigint;
    v_matched bigint;
    v_count integer;
    v_first boolean;
    v_pools funding_matchingpool[];
    v_pool funding_matchingpool;
    v_match_pool bigint;
    v_amount bigint;
    v_done bigint;
BEGIN
    r_matched := 0;
    r_goal_reached_now := false;
    SELECT * INTO v_project FROM funding_project WHERE id = p_project FOR UPDATE;
    IF NOT FOUND THEN
        r_outcome := 'campaign_closed';
        RETURN;
    END IF;

    SELECT c.id, c.matched_cents INTO r_contribution, r_matched FROM funding_contribution c
     WHERE c.contributor_id = p_contributor AND c.idempotency_key = p_key::varchar;
    IF FOUND THEN
        r_outcome := 'duplicate';
        RETURN;
    END IF;
    r_matched := 0;

    IF v_project.status <> 'published' OR v_project.deadline IS NULL OR p_now >= v_project.deadline THEN
        r_outcome := 'campaign_closed';
        RETURN;
    END IF;
    SELECT v_project.goal_cents * t.overfunding_cap_bp / 10000 INTO v_cap
      FROM territories_territory t WHERE t.id = v_project.territory_id;
    r_room := v_cap - v_project.pledged_cents - v_project.matched_cents;
    IF p_amount > r_room THEN
        r_outcome := 'over_cap';
        RETURN;
    END IF;
    IF p_reward IS NOT NULL THEN
        UPDATE funding_reward SET claimed = claimed + 1
         WHERE id = p_reward AND project_id = p_project AND (quantity IS NULL OR claimed < quantity);
        IF NOT FOUND THEN
            r_outcome := 'reward_sold_out';
            RETURN;
        END IF;
    END IF;

    v_first := NOT EXISTS (
        SELECT 1 FROM funding_contribution c
         WHERE c.project_id = p_project AND c.contributor_id = p_contributor
           AND c.status IN ('pending', 'authorised', 'captured', 'capture_failed'));
    v_pledged := v_project.pledged_cents + p_amount;
    v_matched := v_project.matched_cents;
    v_count := v_project.contributors_count + CASE WHEN v_first THEN 1 ELSE 0 END;

    -- Every active pool whose scope covers the project (see matching.pools_for: its
    -- territory, narrowed to one of its themes or to its call when the pool has one),
    -- locked in primary-key order (see matching.lock_pools) and read once.
    SELECT coalesce(array_agg(locked ORDER BY locked.id), '{}') INTO v_pools
      FROM (SELECT * FROM funding_matchingpool s
             WHERE s.active AND s.territory_id = v_project.territory_id
               AND (s.theme_id IS NULL OR s.theme_id IN (
                    SELECT pt.theme_id FROM funding_project_themes pt WHERE pt.project_id = p_project))
               AND (NOT EXISTS (SELECT 1 FROM funding_call c WHERE c.pool_id = s.id)
                    OR (v_project.call_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM funding_call c WHERE c.pool_id = s.id AND c.id = v_project.call_id)))
             ORDER BY s.id FOR UPDATE) AS locked;

    -- The first first-euro pool that has something to give matches this contribution.
    FOREACH v_pool IN ARRAY v_pools LOOP
        CONTINUE WHEN v_pool.trigger <> 'first_euro';
        IF v_pool.max_matches_per_contributor IS NOT NULL AND (
            SELECT count(*) FROM funding_match m JOIN funding_contribution c ON c.id = m.contribution_id
             WHERE m.pool_id = v_pool.id AND c.contributor_id = p_contributor
               AND m.status IN ('committed', 'released')) >= v_pool.max_matches_per_contributor THEN
            CONTINUE;
        END IF;
        v_amount := p_amount * v_pool.factor_bp / 10000;
        IF v_pool.cap_per_contribution_cents IS NOT NULL THEN
            v_amount := least(v_amount, v_pool.cap_per_contribution_cents);
        END IF;
        IF v_pool.cap_per_project_cents IS NOT NULL THEN
            SELECT coalesce(sum(m.amount_cents), 0) INTO v_done FROM funding_match m
             WHERE m.pool_id = v_pool.id AND m.project_id = p_project AND m.status = 'committed';
            v_amount := least(v_amount, v_pool.cap_per_project_cents - v_done);
        END IF;
        v_amount := least(v_amount, v_pool.balance_cents, greatest(0, v_cap - v_pledged - v_matched));
        IF v_amount > 0 THEN
            r_matched := v_amount;
            v_match_pool := v_pool.id;
            EXIT;
        END IF;
    END LOOP;

    INSERT INTO funding_contribution (
        project_id, contributor_id, kind, amount_cents, reward_id, anonymous, message, idempotency_key,
        provider, provider_reference, status, matched_cents, capture_attempts, last_error, reward_fulfilled,
        created_at)
    VALUES (p_project, p_contributor, p_kind, p_amount, p_reward, p_anonymous, p_message, p_key,
            p_provider, p_reference, p_status, r_matched, 0, '', false, p_now)
    RETURNING id INTO r_contribution;
    IF v_match_pool IS NOT NULL THEN
        PERFORM funding_record_match(v_match_pool, p_project, r_contribution, r_matched,
                                     'match:' || v_match_pool || ':' || r_contribution, p_now);
        v_matched := v_matched + r_matched;
    END IF;

    -- Lump sums whose threshold the crowd has just reached (their pools were not touched above).
    FOREACH v_pool IN ARRAY v_pools LOOP
        CONTINUE WHEN v_pool.trigger <> 'lump_sum';
        CONTINUE WHEN NOT (
            (v_pool.threshold_percent IS NOT NULL AND v_pledged * 100 >= v_project.goal_cents * v_pool.threshold_percent)
            OR (v_pool.threshold_contributors IS NOT NULL AND v_count >= v_pool.threshold_contributors));
        CONTINUE WHEN EXISTS (SELECT 1 FROM funding_match m WHERE m.pool_id = v_pool.id
                                 AND m.project_id = p_project AND m.contribution_id IS NULL);
        v_amount := least(v_pool.lump_sum_cents, v_pool.balance_cents, greatest(0, v_cap - v_pledged - v_matched));
        IF v_pool.cap_per_project_cents IS NOT NULL THEN
            SELECT coalesce(sum(m.amount_cents), 0) INTO v_done FROM funding_match m
             WHERE m.pool_id = v_pool.id AND m.project_id = p_project AND m.status = 'committed';
            v_amount := least(v_amount, v_pool.cap_per_project_cents - v_done);
        END IF;
        IF v_amount > 0 THEN
            PERFORM funding_record_match(v_pool.id, p_project, NULL, v_amount,
                                         'match-lump:' || v_pool.id || ':' || p_project, p_now);
            v_matched := v_matched + v_amount;
        END IF;
    END LOOP;

    r_goal_reached_now := v_project.goal_reached_at IS NULL AND v_pledged + v_matched >= v_project.goal_cents;
    UPDATE funding_project
       SET pledged_cents = v_pledged, matched_cents = v_matched, contributors_count = v_count,
           goal_reached_at = CASE WHEN r_goal_reached_now THEN p_now ELSE goal_reached_at END
     WHERE id = p_project;
    r_room := v_cap - v_pledged - v_matched;
    r_outcome := 'created';
END;
$$ LANGUAGE plpgsql;
"""

MATCH = r"""
-- A pool's match committed to a project: the match row, its ledger transfer
-- pool → escrow (accounts created on first use), and the pool's balance.
CREATE OR REPLACE FUNCTION funding_record_match(
    p_pool bigint, p_project bigint, p_contribution bigint, p_amount bigint, p_key text, p_now timestamptz
) RETURNS void AS $$
BEGIN
    INSERT INTO funding_match (pool_id, project_id, contribution_id, amount_cents, status, created_at)
    VALUES (p_pool, p_project, p_contribution, p_amount, 'committed', p_now);
    INSERT INTO funding_account (key, kind) VALUES ('pool:' || p_pool, 'pool'), ('escrow:' || p_project, 'escrow')
        ON CONFLICT (key) DO NOTHING;
    INSERT INTO funding_transfer (kind, source_id, destination_id, amount_cents, idempotency_key, project_id,
                                  contribution_id, created_at)
    SELECT 'match_commit', s.id, d.id, p_amount, p_key, p_project, p_contribution, p_now
      FROM funding_account s, funding_account d
     WHERE s.key = 'pool:' || p_pool AND d.key = 'escrow:' || p_project;
    UPDATE funding_matchingpool SET balance_cents = balance_cents - p_amount WHERE id = p_pool;
END;
$$ LANGUAGE plpgsql;
"""

REVERSE = [
    "DROP FUNCTION IF EXISTS funding_contribution_record(bigint, bigint, text, bigint, bigint, boolean, text, text, "
    "text, text, text, timestamptz);",
    "DROP FUNCTION IF EXISTS funding_record_match(bigint, bigint, bigint, bigint, text, timestamptz);",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MATCH, params=None)
        schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_transfer_key_room")]
    operations = [migrations.RunPython(forwards, backwards)]
