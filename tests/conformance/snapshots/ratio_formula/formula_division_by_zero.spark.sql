-- headway: metric cpc (metrics/metrics.yml:43)
-- grain=day by=- engine=spark spec=29821c834b27e810
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-04-01'),
    ('2024-04-02'),
    ('2024-04-03'),
    ('2024-04-04'),
    ('2024-04-05') AS v(`period`)
), `g0` /* metric cost (metrics/metrics.yml:18) as v0; metric clicks (metrics/metrics.yml:2) as v1: over ads, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    SUM(`t`.`cost`) AS `v0`,
    COUNT(`t`.`cost`) AS `n0`,
    SUM(`t`.`clicks`) AS `v1`,
    COUNT(`t`.`clicks`) AS `n1`
  FROM `hw_ads` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric cpc (metrics/metrics.yml:43) */
SELECT
  `f`.`period`,
  CAST((
    COALESCE(`g0`.`v0`, 0)
  ) AS DOUBLE) / NULLIF(CAST((
    COALESCE(`g0`.`v1`, 0)
  ) AS DOUBLE), 0) AS `value`,
  GREATEST(COALESCE(`g0`.`n0`, 0), COALESCE(`g0`.`n1`, 0)) AS `n`
FROM `spine` AS `f`
LEFT JOIN `g0`
  ON `g0`.`period` = `f`.`period`
