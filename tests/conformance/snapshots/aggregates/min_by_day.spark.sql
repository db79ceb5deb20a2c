-- headway: metric min_order (metrics/metrics.yml:25)
-- grain=day by=- engine=spark spec=47a915ec6332cc5a
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`
  FROM VALUES
    ('2024-01-01', '2024-01-02', '2024-01-02', 't', ''),
    ('2024-01-02', '2024-01-03', '2024-01-03', 't', ''),
    ('2024-01-03', '2024-01-04', '2024-01-04', 't', ''),
    ('2024-01-04', '2024-01-05', '2024-01-05', 't', '') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`)
), `l0` /* metric min_order (metrics/metrics.yml:25) as v0: min over orders, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    MIN(`t`.`amount`) AS `v0`,
    COUNT(`t`.`amount`) AS `n0`
  FROM `hw_orders` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE)
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`
  FROM `spine` AS `s`
), `result` /* metric min_order (metrics/metrics.yml:25) */ AS (
  SELECT
    `f`.`period`,
    `f`.`requested`,
    `f`.`compare_period`,
    `l0`.`v0` AS `value`,
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
