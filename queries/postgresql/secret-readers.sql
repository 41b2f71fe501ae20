-- Subjects that can get, list or watch every Secret of a namespace, or of every namespace: a ClusterRoleBinding to a
-- ClusterRole (namespace "*"), or a RoleBinding to a Role or a ClusterRole (its own namespace only), whose role has a
-- rule for the core group (or *), resource secrets (or *), no resourceNames, and a read verb (or *). A ClusterRoleBinding
-- to a Role grants nothing and is left out. `rolecall who-can list secrets -n NS` gives the same answer with the rule
-- behind each grant.
-- The PostgreSQL variant of queries/secret-readers.sql: jsonb_array_elements_text where SQLite has json_each.
SELECT DISTINCT
  s.kind AS subject_kind,
  CASE WHEN s.kind = 'ServiceAccount' THEN s.effective_namespace ELSE '' END AS subject_namespace,
  s.name AS subject_name,
  CASE WHEN b.kind = 'ClusterRoleBinding' THEN '*' ELSE b.namespace END AS namespace,
  b.kind AS binding_kind,
  b.name AS binding,
  b.role_kind AS role_kind,
  b.role_name AS role,
  (SELECT string_agg(value, ',' ORDER BY value) FROM (
    SELECT DISTINCT v.value FROM policy_rule p2, jsonb_array_elements_text(p2.verbs::jsonb) AS v(value)
    WHERE p2.role_id = r.id AND v.value IN ('get', 'list', 'watch', '*')
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p2.api_groups::jsonb) AS e(value) WHERE value IN ('', '*'))
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p2.resources::jsonb) AS e(value) WHERE value IN ('secrets', '*'))
      AND jsonb_array_length(p2.resource_names::jsonb) = 0)) AS verbs
FROM binding b
JOIN binding_subject s ON s.binding_id = b.id
JOIN role r ON r.snapshot_id = b.snapshot_id AND r.kind = b.role_kind AND r.name = b.role_name
  AND r.namespace = CASE WHEN b.role_kind = 'Role' THEN b.namespace ELSE '' END
WHERE b.snapshot_id = :snapshot
  AND (b.kind = 'RoleBinding' OR b.role_kind = 'ClusterRole')
  AND (s.kind != 'ServiceAccount' OR s.effective_namespace IS NOT NULL)
  AND EXISTS (
    SELECT 1 FROM policy_rule p
    WHERE p.role_id = r.id
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.verbs::jsonb) AS e(value) WHERE value IN ('get', 'list', 'watch', '*'))
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.api_groups::jsonb) AS e(value) WHERE value IN ('', '*'))
      AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.resources::jsonb) AS e(value) WHERE value IN ('secrets', '*'))
      AND jsonb_array_length(p.resource_names::jsonb) = 0)
ORDER BY subject_kind, subject_namespace, subject_name, namespace, binding;
