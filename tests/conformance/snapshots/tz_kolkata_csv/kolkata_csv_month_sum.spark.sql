-- headway: metric kept_amount (metrics/metrics.yml:7)
-- grain=month by=- engine=spark spec=9ba6eb38ad41a3ff
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
    ('2024-02-01', '2024-03-01', '2024-03-01', 't', '', 't'),
    ('2024-03-01', '2024-04-01', '2024-04-01', 't', '', 't'),
    ('2024-04-01', '2024-05-01', '2024-05-01', 't', '', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`)
), `l0` /* metric kept_amount (metrics/metrics.yml:7) as v0: sum over payments, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Kolkata')) AS DATE) AS `period`,
    SUM(`t`.`amount` * `t`.`units`) AS `v0`,
    COUNT(`t`.`amount` * `t`.`units`) AS `n0`
  FROM `hw_payments` AS `t`
  WHERE
    (
      (
        NOT `t`.`refunded`
      )
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', FROM_UTC_TIMESTAMP(`t`.`ts`, 'Asia/Kolkata')) AS DATE)
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`
  FROM `spine` AS `s`
), `result` /* metric kept_amount (metrics/metrics.yml:7) */ AS (
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
