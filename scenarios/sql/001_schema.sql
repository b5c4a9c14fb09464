-- 001_schema.sql: the tables the scenarios write to and the publication Realtime reads.
--
-- The embedded target applies every sql/*.sql file in name order, as the login role that owns the
-- database (not a superuser), so nothing here may need superuser rights. The file is idempotent and
-- can also be applied to a real Supabase project (SQL editor or psql) to run the same scenarios
-- against it.

-- Drivers are the subscribers' identities: each simulated client filters on its own driver id.
create table if not exists public.drivers (
    id         uuid primary key,
    name       text not null,
    created_at timestamptz default now()
);

-- Orders are what the publisher inserts and updates; every change is a postgres_changes event.
-- bigint identity so ids are Numbers in the wal2json-style record, like most Supabase tables.
create table if not exists public.orders (
    id         bigint generated always as identity primary key,
    driver_id  uuid not null references public.drivers (id),
    status     text not null default 'pending',
    notes      text,
    created_at timestamptz not null default now()
);

-- Subscriptions filter on driver_id (driver_id=eq.<uuid>), and the foreign key needs it for
-- deletes from drivers.
create index if not exists orders_driver_id_idx on public.orders (driver_id);

-- Realtime streams only tables in this publication. Supabase projects usually have it already
-- (possibly empty), so create it only if missing and then make sure orders is in it.
do $$
begin
    if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
        create publication supabase_realtime for table public.orders;
    elsif not exists (select 1 from pg_publication_tables
                      where pubname = 'supabase_realtime'
                        and schemaname = 'public' and tablename = 'orders') then
        alter publication supabase_realtime add table public.orders;
    end if;
end
$$;
