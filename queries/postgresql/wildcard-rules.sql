-- Rules that use a wildcard in verbs, apiGroups, resources or nonResourceURLs, with the role that holds them.
-- The PostgreSQL variant of queries/wildcard-rules.sql: jsonb_array_elements_text where SQLite has json_each.
SELECT
  r.kind || ' ' || CASE WHEN r.namespace = '' THEN r.name ELSE r.namespace || '/' || r.name END AS role,
  p.rule_index AS rule,
  p.verbs, p.api_groups, p.resources, p.resource_names, p.non_resource_urls,
  coalesce(p.aggregated_from, '') AS aggregated_from
FROM role r
JOIN policy_rule p ON p.role_id = r.id
WHERE r.snapshot_id = :snapshot
  AND EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(p.verbs::jsonb) AS e(value) WHERE value = '*'
    UNION ALL SELECT 1 FROM jsonb_array_elements_text(p.api_groups::jsonb) AS e(value) WHERE value = '*'
    UNION ALL SELECT 1 FROM jsonb_array_elements_text(p.resources::jsonb) AS e(value) WHERE value = '*' OR value LIKE '*/%'
    UNION ALL SELECT 1 FROM jsonb_array_elements_text(p.non_resource_urls::jsonb) AS e(value) WHERE value LIKE '%*')
ORDER BY r.kind, r.namespace, r.name, p.rule_index;
