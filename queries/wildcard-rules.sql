-- Rules that use a wildcard in verbs, apiGroups, resources or nonResourceURLs, with the role that holds them.
SELECT
  r.kind || ' ' || CASE WHEN r.namespace = '' THEN r.name ELSE r.namespace || '/' || r.name END AS role,
  p.rule_index AS rule,
  p.verbs, p.api_groups, p.resources, p.resource_names, p.non_resource_urls,
  coalesce(p.aggregated_from, '') AS aggregated_from
FROM role r
JOIN policy_rule p ON p.role_id = r.id
WHERE r.snapshot_id = :snapshot
  AND EXISTS (
    SELECT 1 FROM json_each(p.verbs) WHERE value = '*'
    UNION ALL SELECT 1 FROM json_each(p.api_groups) WHERE value = '*'
    UNION ALL SELECT 1 FROM json_each(p.resources) WHERE value = '*' OR value LIKE '*/%'
    UNION ALL SELECT 1 FROM json_each(p.non_resource_urls) WHERE value LIKE '%*')
ORDER BY r.kind, r.namespace, r.name, p.rule_index;
