-- headway: metric fee_share (metrics/metrics.yml:38)
-- grain=day by=- engine=spark spec=0f32339ab43d30ab
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-01-01'),
    ('2024-01-02'),
    ('2024-01-03') AS v(`period`)
), `g0` /* metric fees (metrics/metrics.yml:8) as v0; metric paid (metrics/metrics.yml:2) as v1: over payments, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    SUM(`t`.`fee`) AS `v0`,
    COUNT(`t`.`fee`) AS `n0`,
    SUM(`t`.`amount`) AS `v1`,
    COUNT(`t`.`amount`) AS `n1`
  FROM `hw_payments` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric fee_share (metrics/metrics.yml:38) */
SELECT
  `f`.`period`,
  CAST(COALESCE(`g0`.`v0`, 0) AS DOUBLE) / NULLIF(CAST(COALESCE(`g0`.`v1`, 0) AS DOUBLE), 0) AS `value`,
  COALESCE(`g0`.`n1`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `g0`
  ON `g0`.`period` = `f`.`period`
