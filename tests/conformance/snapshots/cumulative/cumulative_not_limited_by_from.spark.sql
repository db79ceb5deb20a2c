-- headway: metric total_users (metrics/metrics.yml:2)
-- grain=month by=- engine=spark spec=f50b6333af194d45
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`,
    CAST(NULLIF(`v`.`w0`, '') AS DATE) AS `w0`,
    `v`.`c0` = 't' AS `c0`
  FROM VALUES
    ('2024-01-01', '2024-02-01', '2024-02-01', 't', '', '', 't'),
    ('2024-02-01', '2024-03-01', '2024-03-01', 't', '', '', 't'),
    ('2024-03-01', '2024-04-01', '2024-04-01', 't', '', '', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `w0`, `c0`)
), `l0_days` /* metric total_users (metrics/metrics.yml:2) as v0: count over signups, cumulative (per-day partials) */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `day`,
    COUNT(*) AS `c`
  FROM `hw_signups` AS `t`
  WHERE
    (
      `t`.`ts` < CAST('2024-04-01 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(`t`.`ts` AS DATE)
), `l0` /* metric total_users (metrics/metrics.yml:2) as v0: count over signups, cumulative */ AS (
  SELECT
    `s`.`period` AS `period`,
    SUM(`b`.`c`) AS `v0`
  FROM `spine` AS `s`
  INNER JOIN `l0_days` AS `b`
    ON (
      `b`.`day` < `s`.`period_end`
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
), `result` /* metric total_users (metrics/metrics.yml:2) */ AS (
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
