-- headway: metric tickets (metrics/metrics.yml:2)
-- grain=day by=- engine=spark spec=a9c238ba3ebe5364
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    `v`.`c0` = 't' AS `c0`
  FROM VALUES
    ('2024-03-03', 'f'),
    ('2024-03-04', 'f'),
    ('2024-03-05', 't'),
    ('2024-03-06', 't'),
    ('2024-03-07', 't'),
    ('2024-03-08', 't'),
    ('2024-03-09', 't'),
    ('2024-03-10', 'f'),
    ('2024-03-11', 'f') AS v(`period`, `c0`)
), `l0` /* metric tickets (metrics/metrics.yml:2) as v0: count over tickets, plain */ AS (
  SELECT
    CAST(`t`.`opened_at` AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_tickets` AS `t`
  GROUP BY
    CAST(`t`.`opened_at` AS DATE)
)
/* metric tickets (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  CASE WHEN `f`.`c0` THEN COALESCE(`l0`.`v0`, 0) END AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
