-- 002_auth_rls.sql: the roles, auth helpers and row-level security a Supabase project has, so that the
-- stand-in checks each postgres_changes delivery under the subscriber's JWT claims as Realtime's
-- apply_rls does (protocol.md §5).
--
-- Applied as the login role that owns the database. On the embedded target that role has CREATEROLE
-- (not superuser); on a Supabase project the roles, the auth schema and its functions already exist,
-- so every step here only creates what is missing.

-- The API roles PostgREST and Realtime switch to. NOLOGIN: they are only ever SET ROLE targets.
do $$
declare
    r text;
begin
    foreach r in array array['anon', 'authenticated'] loop
        if not exists (select 1 from pg_roles where rolname = r) then
            execute format('create role %I nologin noinherit', r);
        end if;
        -- The role running the checks must be able to SET ROLE to them. On PostgreSQL 16+ a CREATEROLE
        -- creator holds only ADMIN OPTION on the roles it created; granting itself membership adds SET.
        -- On a Supabase project postgres already is a member; a refused grant changes nothing there.
        begin
            execute format('grant %I to %I', r, current_user);
        exception when others then
            raise notice 'grant % to %: %', r, current_user, sqlerrm;
        end;
    end loop;
end
$$;

-- auth.uid() and auth.role() as GoTrue defines them: read from the request.jwt.claims setting that
-- PostgREST and Realtime set per request (the older request.jwt.claim.sub form is not supported).
create schema if not exists auth;

do $$
begin
    if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname = 'auth' and p.proname = 'uid') then
        create function auth.uid() returns uuid
            language sql stable
            as $f$ select (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid $f$;
    end if;
    if not exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname = 'auth' and p.proname = 'role') then
        create function auth.role() returns text
            language sql stable
            as $f$ select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role' $f$;
    end if;
end
$$;

grant usage on schema auth to anon, authenticated;
grant usage on schema public to anon, authenticated;
grant select on public.orders, public.drivers to anon, authenticated;

-- A driver reads only its own orders. The owner (the publisher's role) is not subject to RLS
-- without FORCE, so its INSERTs and UPDATEs are unaffected.
alter table public.orders enable row level security;
drop policy if exists "drivers read their own orders" on public.orders;
create policy "drivers read their own orders" on public.orders
    for select to authenticated
    using (driver_id = auth.uid());
