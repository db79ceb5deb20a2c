-- headway: metric events (metrics/metrics.yml:2)
-- grain=day by=- engine=spark spec=164e2cf2d4c4da5b
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-02-29'),
    ('2024-03-01') AS v(`period`)
), `l0` /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(FROM_UTC_TIMESTAMP(`t`.`ts`, 'America/New_York') AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_events` AS `t`
  WHERE
    (
      FROM_UTC_TIMESTAMP(`t`.`ts`, 'America/New_York') >= CAST('2024-02-29 00:00:00' AS TIMESTAMP)
    )
    AND (
      FROM_UTC_TIMESTAMP(`t`.`ts`, 'America/New_York') < CAST('2024-03-02 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` < CAST('2024-03-03 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` >= CAST('2024-02-28 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(FROM_UTC_TIMESTAMP(`t`.`ts`, 'America/New_York') AS DATE)
)
/* metric events (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
