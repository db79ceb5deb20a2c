-- headway: metric events (metrics/metrics.yml:2)
-- grain=week by=- engine=spark spec=4fdac9e80869079b
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01'),
    ('2024-01-08') AS v(`period`)
), `l0` /* metric events (metrics/metrics.yml:2) as v0: count over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_events` AS `t`
  WHERE
    (
      `t`.`ts` >= CAST('2024-01-01 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` < CAST('2024-01-15 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE)
)
/* metric events (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
