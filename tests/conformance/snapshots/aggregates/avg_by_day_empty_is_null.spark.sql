-- headway: metric avg_order (metrics/metrics.yml:19)
-- grain=day by=- engine=spark spec=47a915ec6332cc5a
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01'),
    ('2024-01-02'),
    ('2024-01-03'),
    ('2024-01-04') AS v(`period`)
), `l0` /* metric avg_order (metrics/metrics.yml:19) as v0: avg over orders, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    AVG(`t`.`amount`) AS `v0`,
    COUNT(`t`.`amount`) AS `n0`
  FROM `hw_orders` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric avg_order (metrics/metrics.yml:19) */
SELECT
  `f`.`period`,
  `l0`.`v0` AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
