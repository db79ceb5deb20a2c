-- headway: metric tickets_7d (metrics/metrics.yml:18)
-- grain=day by=- engine=spark spec=a9c238ba3ebe5364
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    `v`.`c0` = 't' AS `c0`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`w0`, '') AS DATE) AS `w0`
  FROM VALUES
    ('2024-03-10', 't', '2024-03-11', '2024-03-04'),
    ('2024-03-11', 't', '2024-03-12', '2024-03-05'),
    ('2024-03-12', 't', '2024-03-13', '2024-03-06'),
    ('2024-03-13', 't', '2024-03-14', '2024-03-07'),
    ('2024-03-14', 't', '2024-03-15', '2024-03-08'),
    ('2024-03-15', 't', '2024-03-16', '2024-03-09'),
    ('2024-03-16', 'f', '2024-03-17', '2024-03-10'),
    ('2024-03-17', 'f', '2024-03-18', '2024-03-11') AS v(`period`, `c0`, `period_end`, `w0`)
), `l0_days` /* metric tickets_7d (metrics/metrics.yml:18) as v0: count over tickets, window (per-day partials) */ AS (
  SELECT
    CAST(`t`.`opened_at` AS DATE) AS `day`,
    COUNT(*) AS `c`
  FROM `hw_tickets` AS `t`
  GROUP BY
    CAST(`t`.`opened_at` AS DATE)
), `l0` /* metric tickets_7d (metrics/metrics.yml:18) as v0: count over tickets, window */ AS (
  SELECT
    `s`.`period` AS `period`,
    SUM(`b`.`c`) AS `v0`
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
/* metric tickets_7d (metrics/metrics.yml:18) */
SELECT
  `f`.`period`,
  CASE WHEN `f`.`c0` THEN COALESCE(`l0`.`v0`, 0) END AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
