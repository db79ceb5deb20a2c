-- headway: metric sales_headcount (metrics/metrics.yml:28)
-- grain=month by=- engine=spark spec=a93f60dc9f09e77f
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`,
    `v`.`c0` = 't' AS `c0`
  FROM VALUES
    ('2024-01-01', '2024-02-01', '2024-02-01', 't', '', 't'),
    ('2024-02-01', '2024-03-01', '2024-03-01', 't', '', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`)
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
      (
        `t`.`team` = 'sales'
      )
    )
  GROUP BY
    `s`.`period`
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`
  FROM `spine` AS `s`
), `result` /* metric sales_headcount (metrics/metrics.yml:28) */ AS (
  SELECT
    `f`.`period`,
    `f`.`requested`,
    `f`.`compare_period`,
    CASE WHEN `f`.`c0` THEN COALESCE(`l0`.`v0`, 0) END AS `value`,
    COALESCE(`l0`.`n0`, 0) AS `n`
  FROM `frame` AS `f`
  LEFT JOIN `l0`
    ON `l0`.`period` = `f`.`period`
)
SELECT
  `r`.`period`,
  `r`.`value`,
  `r`.`n`
FROM `result` AS `r`
WHERE
  `r`.`requested`
