-- headway: metric events (metrics/metrics.yml:2)
-- grain=year by=- engine=spark spec=164e2cf2d4c4da5b
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01') AS v(`period`)
), `l0` /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', FROM_UTC_TIMESTAMP(`t`.`ts`, 'America/New_York')) AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_events` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('YEAR', FROM_UTC_TIMESTAMP(`t`.`ts`, 'America/New_York')) AS DATE)
)
/* metric events (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
