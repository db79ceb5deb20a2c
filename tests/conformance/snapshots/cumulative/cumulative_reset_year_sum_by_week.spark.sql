-- headway: metric paid_ytd (metrics/metrics.yml:15)
-- grain=week by=- engine=spark spec=f50b6333af194d45
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`w0`, '') AS DATE) AS `w0`
  FROM VALUES
    ('2023-12-25', '2024-01-01', '2023-01-01'),
    ('2024-01-01', '2024-01-08', '2024-01-01'),
    ('2024-01-08', '2024-01-15', '2024-01-01'),
    ('2024-01-15', '2024-01-22', '2024-01-01') AS v(`period`, `period_end`, `w0`)
), `l0_days` /* metric paid_ytd (metrics/metrics.yml:15) as v0: sum over signups, cumulative (per-day partials) */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `day`,
    SUM(`t`.`paid`) AS `s`,
    COUNT(`t`.`paid`) AS `c`
  FROM `hw_signups` AS `t`
  WHERE
    (
      `t`.`ts` >= CAST('2023-01-01 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` < CAST('2024-01-22 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(`t`.`ts` AS DATE)
), `l0` /* metric paid_ytd (metrics/metrics.yml:15) as v0: sum over signups, cumulative */ AS (
  SELECT
    `s`.`period` AS `period`,
    SUM(`b`.`s`) AS `v0`,
    SUM(`b`.`c`) AS `n0`
  FROM `spine` AS `s`
  INNER JOIN `l0_days` AS `b`
    ON (
      `b`.`day` < `s`.`period_end`
    ) AND (
      `b`.`day` >= `s`.`w0`
    )
  GROUP BY
    `s`.`period`
)
/* metric paid_ytd (metrics/metrics.yml:15) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
