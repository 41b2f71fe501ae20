-- Subjects that can get, list or watch every Secret of a namespace, or of every namespace: a ClusterRoleBinding to a
-- ClusterRole (namespace "*"), or a RoleBinding to a Role or a ClusterRole (its own namespace only), whose role has a
-- rule for the core group (or *), resource secrets (or *), no resourceNames, and a read verb (or *). A ClusterRoleBinding
-- to a Role grants nothing and is left out. `rolecall who-can list secrets -n NS` gives the same answer with the rule
-- behind each grant.
SELECT DISTINCT
  s.kind AS subject_kind,
  CASE WHEN s.kind = 'ServiceAccount' THEN s.effective_namespace ELSE '' END AS subject_namespace,
  s.name AS subject_name,
  CASE WHEN b.kind = 'ClusterRoleBinding' THEN '*' ELSE b.namespace END AS namespace,
  b.kind AS binding_kind,
  b.name AS binding,
  b.role_kind AS role_kind,
  b.role_name AS role,
  (SELECT group_concat(value) FROM (
    SELECT DISTINCT v.value FROM policy_rule p2, json_each(p2.verbs) v
    WHERE p2.role_id = r.id AND v.value IN ('get', 'list', 'watch', '*')
      AND EXISTS (SELECT 1 FROM json_each(p2.api_groups) WHERE value IN ('', '*'))
      AND EXISTS (SELECT 1 FROM json_each(p2.resources) WHERE value IN ('secrets', '*'))
      AND json_array_length(p2.resource_names) = 0)) AS verbs
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
      AND EXISTS (SELECT 1 FROM json_each(p.verbs) WHERE value IN ('get', 'list', 'watch', '*'))
      AND EXISTS (SELECT 1 FROM json_each(p.api_groups) WHERE value IN ('', '*'))
      AND EXISTS (SELECT 1 FROM json_each(p.resources) WHERE value IN ('secrets', '*'))
      AND json_array_length(p.resource_names) = 0)
ORDER BY subject_kind, subject_namespace, subject_name, namespace, binding;
