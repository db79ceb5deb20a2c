-- headway: metric buyers (metrics/metrics.yml:7)
-- grain=day by=- engine=spark spec=47a915ec6332cc5a
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01'),
    ('2024-01-02'),
    ('2024-01-03'),
    ('2024-01-04') AS v(`period`)
), `l0` /* metric buyers (metrics/metrics.yml:7) as v0: count_distinct over orders, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    COUNT(DISTINCT `t`.`user_id`) AS `v0`
  FROM `hw_orders` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric buyers (metrics/metrics.yml:7) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
