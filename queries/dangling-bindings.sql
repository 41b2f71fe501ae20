-- Bindings whose role does not exist, and ClusterRoleBindings that reference a Role: they grant nothing today,
-- and whoever later creates a role with that name grants it to these subjects.
SELECT
  b.kind AS binding_kind,
  b.namespace,
  b.name,
  b.role_kind || ' ' || b.role_name AS role,
  CASE WHEN b.kind = 'ClusterRoleBinding' AND b.role_kind = 'Role' THEN 'a ClusterRoleBinding cannot grant a Role'
       ELSE 'role does not exist' END AS problem,
  (SELECT count(*) FROM binding_subject s WHERE s.binding_id = b.id) AS subjects,
  b.source_file
FROM binding b
WHERE b.snapshot_id = :snapshot
  AND ((b.kind = 'ClusterRoleBinding' AND b.role_kind = 'Role')
    OR NOT EXISTS (
      SELECT 1 FROM role r
      WHERE r.snapshot_id = b.snapshot_id AND r.kind = b.role_kind AND r.name = b.role_name
        AND r.namespace = CASE WHEN b.role_kind = 'Role' THEN b.namespace ELSE '' END))
ORDER BY b.kind, b.namespace, b.name;
