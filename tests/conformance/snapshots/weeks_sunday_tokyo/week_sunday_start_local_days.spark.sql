-- headway: metric points (metrics/metrics.yml:2)
-- grain=week by=- engine=spark spec=db8164961be9fa93
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`,
    `v`.`c0` = 't' AS `c0`
  FROM VALUES
    ('2023-12-31', '2024-01-07', '2024-01-07', 't', '', 't'),
    ('2024-01-07', '2024-01-14', '2024-01-14', 't', '', 't'),
    ('2024-01-14', '2024-01-21', '2024-01-21', 't', '', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`)
), `l0` /* metric points (metrics/metrics.yml:2) as v0: sum over events, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Tokyo') - INTERVAL '6' DAY) + INTERVAL '6' DAY AS DATE) AS `period`,
    SUM(`t`.`points`) AS `v0`,
    COUNT(`t`.`points`) AS `n0`
  FROM `hw_events` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('WEEK', FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Tokyo') - INTERVAL '6' DAY) + INTERVAL '6' DAY AS DATE)
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`
  FROM `spine` AS `s`
), `result` /* metric points (metrics/metrics.yml:2) */ AS (
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
