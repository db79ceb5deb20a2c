-- headway: metric sales_headcount (metrics/metrics.yml:28)
-- grain=month by=- engine=spark spec=a93f60dc9f09e77f
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01'),
    ('2024-02-01') AS v(`period`)
), `l0_last` /* metric sales_headcount (metrics/metrics.yml:28) as v0: sum over headcount, snapshot_last (snapshot times) */ AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', CAST(`t`.`day` AS TIMESTAMP)) AS DATE) AS `period`,
    MAX(CAST(`t`.`day` AS TIMESTAMP)) AS `ts`
  FROM `hw_headcount` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('MONTH', CAST(`t`.`day` AS TIMESTAMP)) AS DATE)
), `l0` /* metric sales_headcount (metrics/metrics.yml:28) as v0: sum over headcount, snapshot_last */ AS (
  SELECT
    `s`.`period` AS `period`,
    SUM(`t`.`employees`) AS `v0`,
    COUNT(`t`.`employees`) AS `n0`
  FROM `hw_headcount` AS `t`
  INNER JOIN `l0_last` AS `s`
    ON CAST(`t`.`day` AS TIMESTAMP) = `s`.`ts`
  WHERE
    (
      `t`.`team` = 'sales'
    )
  GROUP BY
    `s`.`period`
)
/* metric sales_headcount (metrics/metrics.yml:28) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
