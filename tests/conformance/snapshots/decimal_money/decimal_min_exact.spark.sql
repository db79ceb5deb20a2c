-- headway: metric smallest (metrics/metrics.yml:14)
-- grain=day by=- engine=spark spec=0f32339ab43d30ab
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01'),
    ('2024-01-02'),
    ('2024-01-03') AS v(`period`)
), `l0` /* metric smallest (metrics/metrics.yml:14) as v0: min over payments, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    MIN(`t`.`amount`) AS `v0`,
    COUNT(`t`.`amount`) AS `n0`
  FROM `hw_payments` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric smallest (metrics/metrics.yml:14) */
SELECT
  `f`.`period`,
  `l0`.`v0` AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
