-- 003_realtime_messages.sql: broadcast from the database, as a Supabase project has it (protocol.md §6):
-- realtime.messages, realtime.send() and the publication Realtime streams them from.
--
-- On a Supabase project all of this already exists (owned by Realtime's own role); every step here
-- only creates what is missing, so the file can be applied there unchanged.

create schema if not exists realtime;

-- guess: Supabase partitions realtime.messages by inserted_at (daily); a plain table carries the
-- same columns and is what logical replication needs without publish_via_partition_root.
create table if not exists realtime.messages (
    id          uuid primary key default gen_random_uuid(),
    topic       text not null,
    extension   text not null,
    payload     jsonb,
    event       text,
    private     boolean default false,
    updated_at  timestamp not null default now(),
    inserted_at timestamp not null default now()
);

-- Supabase enables RLS here; its policies decide who may read and write private topics. This file
-- adds none, so only the owner (the role that applies these scripts and publishes) inserts rows.
alter table realtime.messages enable row level security;

-- realtime.send(payload, event, topic, private): one broadcast row. A payload without an "id" gets
-- one; guess: the same uuid as the row, which subscribers see as meta.id. Failures are turned into a
-- warning, so a trigger that broadcasts never aborts the caller's transaction.
do $$
begin
    if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname = 'realtime' and p.proname = 'send') then
        create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
            returns void
            language plpgsql
            as $f$
            declare
                message_id uuid := gen_random_uuid();
            begin
                begin
                    insert into realtime.messages (id, payload, event, topic, private, extension)
                    values (message_id,
                            case when payload ? 'id' then payload
                                 else coalesce(payload, '{}'::jsonb) || jsonb_build_object('id', message_id) end,
                            event, topic, private, 'broadcast');
                exception when others then
                    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
                end;
            end
            $f$;
    end if;
end
$$;

-- guess: Supabase grants these to its API roles so that triggers running as them can broadcast.
grant usage on schema realtime to anon, authenticated;
grant select, insert on realtime.messages to anon, authenticated;
grant execute on function realtime.send(jsonb, text, text, boolean) to anon, authenticated;

-- Realtime streams broadcast rows from their own publication, separate from supabase_realtime
-- (which postgres_changes reads), and only their inserts.
do $$
begin
    if not exists (select 1 from pg_publication where pubname = 'supabase_realtime_messages_publication') then
        create publication supabase_realtime_messages_publication for table realtime.messages
            with (publish = 'insert');
    end if;
end
$$;
