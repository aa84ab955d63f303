-- principal, the lookup every request starts with, in PL/pgSQL instead of SQL. A SQL
-- function that is SECURITY DEFINER with its own search_path cannot be inlined, and
-- PostgreSQL parses and plans its body again on every call: for this three-table join that
-- was most of the database's CPU time per API request (BenchmarkAPIPostgres). PL/pgSQL keeps
-- the plan of its query for the session, so a pooled connection plans it once. Same
-- signature, result, owner, grants and search_path; only the language changes.
CREATE OR REPLACE FUNCTION principal(p_hash bytea, p_org uuid) RETURNS TABLE (
    m_id uuid, m_tenant_id uuid, m_organization_id uuid, m_user_id uuid, m_role text,
    m_version bigint, m_hlc bytea, m_created_at timestamptz, m_updated_at timestamptz, m_deleted_at timestamptz,
    t_id uuid, t_tenant_id uuid, t_user_id uuid, t_name text, t_kind text, t_prefix text, t_hash bytea,
    t_expires_at timestamptz, t_last_used_at timestamptz, t_created_at timestamptz, t_version bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT m.id, m.tenant_id, m.organization_id, m.user_id, m.role, m.version, m.hlc, m.created_at, m.updated_at, m.deleted_at,
        t.id, t.tenant_id, t.user_id, t.name, t.kind, t.prefix, t.hash, t.expires_at, t.last_used_at, t.created_at, t.version
    FROM api_tokens t
    JOIN memberships m ON m.tenant_id = t.tenant_id AND m.user_id = t.user_id AND m.deleted_at IS NULL
    JOIN organizations o ON o.id = m.organization_id AND o.tenant_id = t.tenant_id AND o.deleted_at IS NULL
    WHERE t.hash = p_hash AND (p_org IS NULL OR m.organization_id = p_org)
    ORDER BY m.created_at, m.id LIMIT 1;
END
$$;
