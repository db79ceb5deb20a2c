-- headway: metric payments (metrics/metrics.yml:2)
-- grain=day by=- engine=spark spec=9ba6eb38ad41a3ff
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-31'),
    ('2024-02-01') AS v(`period`)
), `l0` /* metric payments (metrics/metrics.yml:2) as v0: count over payments, plain */ AS (
  SELECT
    CAST(FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Kolkata') AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_payments` AS `t`
  WHERE
    (
      FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Kolkata') >= CAST('2024-01-31 00:00:00' AS TIMESTAMP)
    )
    AND (
      FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Kolkata') < CAST('2024-02-02 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` < CAST('2024-02-03 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` >= CAST('2024-01-30 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Kolkata') AS DATE)
)
/* metric payments (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
