-- Bindings that grant to everyone: system:anonymous, system:unauthenticated (every anonymous request),
-- system:authenticated (every user, service account and node), and system:serviceaccounts (every service account).
SELECT
  s.kind || ' ' || s.name AS subject,
  b.kind AS binding_kind,
  CASE WHEN b.namespace = '' THEN b.name ELSE b.namespace || '/' || b.name END AS binding,
  b.role_kind || ' ' || b.role_name AS role,
  CASE WHEN b.kind = 'ClusterRoleBinding' THEN 'cluster' ELSE 'namespace ' || b.namespace END AS scope
FROM binding b
JOIN binding_subject s ON s.binding_id = b.id
WHERE b.snapshot_id = :snapshot
  AND ((s.kind = 'User' AND s.name = 'system:anonymous')
    OR (s.kind = 'Group' AND s.name IN ('system:unauthenticated', 'system:authenticated', 'system:serviceaccounts')))
ORDER BY subject, scope, binding;
