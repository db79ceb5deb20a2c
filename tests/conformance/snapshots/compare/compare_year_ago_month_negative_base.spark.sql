-- headway: metric net_delta (metrics/metrics.yml:9)
-- grain=month by=- engine=spark spec=4eb3eaed1f6f0ea1
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`,
    `v`.`c0` = 't' AS `c0`
  FROM VALUES
    ('2023-02-01', '2023-03-01', '2023-03-01', 'f', '', 't'),
    ('2023-03-01', '2023-04-01', '2023-04-01', 'f', '', 't'),
    ('2024-02-01', '2024-03-01', '2024-03-01', 't', '2023-02-01', 't'),
    ('2024-03-01', '2024-04-01', '2024-04-01', 't', '2023-03-01', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`)
), `l0` /* metric net_delta (metrics/metrics.yml:9) as v0: sum over visits, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `t`.`ts`) AS DATE) AS `period`,
    SUM(`t`.`delta`) AS `v0`,
    COUNT(`t`.`delta`) AS `n0`
  FROM `hw_visits` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `t`.`ts`) AS DATE)
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`
  FROM `spine` AS `s`
), `result` /* metric net_delta (metrics/metrics.yml:9) */ AS (
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
  `r`.`n`,
  `r`.`compare_period` AS `compare_period`,
  `c`.`value` AS `compare_value`,
  `r`.`value` - `c`.`value` AS `change`,
  CAST(`r`.`value` - `c`.`value` AS DOUBLE) / NULLIF(CAST(ABS(`c`.`value`) AS DOUBLE), 0) AS `change_pct`
FROM `result` AS `r`
LEFT JOIN `result` AS `c`
  ON `c`.`period` = `r`.`compare_period`
WHERE
  `r`.`requested`
