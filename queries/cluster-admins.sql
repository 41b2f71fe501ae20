-- Subjects bound to cluster-admin, or to any role with a rule that allows every verb on every resource of every group.
-- A RoleBinding confines the power to its namespace; the scope column says which.
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
      AND EXISTS (SELECT 1 FROM json_each(p.verbs) WHERE value = '*')
      AND EXISTS (SELECT 1 FROM json_each(p.api_groups) WHERE value = '*')
      AND EXISTS (SELECT 1 FROM json_each(p.resources) WHERE value = '*')
      AND json_array_length(p.resource_names) = 0)
ORDER BY scope, subject_kind, subject_namespace, subject_name;
