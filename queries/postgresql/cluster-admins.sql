-- Subjects bound to cluster-admin, or to any role with a rule that allows every verb on every resource of every group.
-- A RoleBinding confines the power to its namespace; the scope column says which.
-- The PostgreSQL variant of queries/cluster-admins.sql: jsonb_array_elements_text where SQLite has json_each.
SELECT DISTINCT
  s.kind AS subject_kind,
  CASE WHEN s.kind = 'ServiceAccount' THEN coalesce(s.effective_namespace, '(none: matches no one)') ELSE '' END
    AS subject_namespace,
  s.name AS subject_name,
  b.kind || ' ' || CASE WHEN b.namespace = '' THEN b.name ELSE b.namespace || '/' || b.name END AS binding,
  b.role_kind || ' ' || b.role_name AS role,
  CASE WHEN b.kind = 'ClusterRoleBinding' THEN 'cluster' ELSE 'namespace ' || b.namespace END AS scope
FROM binding b
JOIN binding_subject s ON s.binding_id = b.id
JOIN role r ON r.snapshot_id = b.snapshot_id AND r.kind = b.role_kind AND r.name = b.role_name
  AND r.namespace = CASE WHEN b.role_kind = 'Role' THEN b.namespace ELSE '' END
WHERE b.snapshot_id = :snapshot
  AND NOT (b.kind = 'ClusterRoleBinding' AND b.role_kind = 'Role')
  AND EXISTS (
    SELECT 1 FROM policy_rule p
    WHERE p.role_id = r.id
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.verbs::jsonb) AS e(value) WHERE value = '*')
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.api_groups::jsonb) AS e(value) WHERE value = '*')
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.resources::jsonb) AS e(value) WHERE value = '*')
      AND jsonb_array_length(p.resource_names::jsonb) = 0)
ORDER BY scope, subject_kind, subject_namespace, subject_name;
