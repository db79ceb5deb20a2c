-- headway: metric closures (metrics/metrics.yml:15)
-- grain=day by=- engine=spark spec=164e2cf2d4c4da5b
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-03-01'),
    ('2024-03-02'),
    ('2024-03-03') AS v(`period`)
), `l0` /* metric closures (metrics/metrics.yml:15) as v0: count over closures, plain */ AS (
  SELECT
    CAST(CAST(`t`.`closed_on` AS TIMESTAMP) AS DATE) AS `period`,
    COUNT(*) AS `v0`
  FROM `hw_closures` AS `t`
  GROUP BY
    CAST(CAST(`t`.`closed_on` AS TIMESTAMP) AS DATE)
)
/* metric closures (metrics/metrics.yml:15) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`v0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
