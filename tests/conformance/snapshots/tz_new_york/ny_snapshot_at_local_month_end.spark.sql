-- headway: metric mrr (metrics/metrics.yml:7)
-- grain=month by=- engine=spark spec=164e2cf2d4c4da5b
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`
  FROM VALUES
    ('2024-02-01', '2024-03-01'),
    ('2024-03-01', '2024-04-01') AS v(`period`, `as_of`)
), `l0` /* metric mrr (metrics/metrics.yml:7) as v0: sum over subscriptions, snapshot_interval */ AS (
  SELECT
    `s`.`period` AS `period`,
    SUM(`t`.`mrr`) AS `v0`,
    COUNT(`t`.`mrr`) AS `n0`
  FROM `spine` AS `s`
  INNER JOIN `hw_subscriptions` AS `t`
    ON FROM_UTC_TIMESTAMP(`t`.`started_at`, 'America/New_York') < CAST(`s`.`as_of` AS TIMESTAMP)
    AND (
      FROM_UTC_TIMESTAMP(`t`.`ended_at`, 'America/New_York') IS NULL
      OR FROM_UTC_TIMESTAMP(`t`.`ended_at`, 'America/New_York') >= CAST(`s`.`as_of` AS TIMESTAMP)
    )
  GROUP BY
    `s`.`period`
)
/* metric mrr (metrics/metrics.yml:7) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
