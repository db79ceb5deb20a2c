-- headway: metric closures (metrics/metrics.yml:15)
-- grain=day by=- engine=spark spec=164e2cf2d4c4da5b
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`,
    `v`.`c0` = 't' AS `c0`
  FROM VALUES
    ('2024-03-01', '2024-03-02', '2024-03-02', 't', '', 't'),
    ('2024-03-02', '2024-03-03', '2024-03-03', 't', '', 't'),
    ('2024-03-03', '2024-03-04', '2024-03-04', 't', '', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`)
), `l0` /* metric closures (metrics/metrics.yml:15) as v0: count over closures, plain */ AS (
  SELECT
    CAST(CAST(`t`.`closed_on` AS TIMESTAMP) AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_closures` AS `t`
  GROUP BY
    CAST(CAST(`t`.`closed_on` AS TIMESTAMP) AS DATE)
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`
  FROM `spine` AS `s`
), `result` /* metric closures (metrics/metrics.yml:15) */ AS (
  SELECT
    `f`.`period`,
    `f`.`requested`,
    `f`.`compare_period`,
    CASE WHEN `f`.`c0` THEN COALESCE(`l0`.`v0`, 0) END AS `value`,
    COALESCE(`l0`.`v0`, 0) AS `n`
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
