-- Service accounts granted a ClusterRole cluster-wide by a ClusterRoleBinding, with whether the account exists.
SELECT
  s.effective_namespace AS namespace,
  s.name AS service_account,
  b.name AS cluster_role_binding,
  b.role_name AS cluster_role,
  CASE WHEN sa.name IS NULL THEN 'no' ELSE 'yes' END AS exists_in_snapshot
FROM binding b
JOIN binding_subject s ON s.binding_id = b.id
LEFT JOIN service_account sa
  ON sa.snapshot_id = b.snapshot_id AND sa.namespace = s.effective_namespace AND sa.name = s.name
WHERE b.snapshot_id = :snapshot
  AND b.kind = 'ClusterRoleBinding'
  AND s.kind = 'ServiceAccount' AND s.effective_namespace IS NOT NULL
ORDER BY namespace, service_account, cluster_role_binding;
