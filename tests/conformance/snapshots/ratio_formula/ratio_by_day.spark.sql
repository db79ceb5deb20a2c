-- headway: metric ctr (metrics/metrics.yml:38)
-- grain=day by=- engine=spark spec=29821c834b27e810
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-04-01'),
    ('2024-04-02'),
    ('2024-04-03'),
    ('2024-04-04') AS v(`period`)
), `g0` /* metric clicks (metrics/metrics.yml:2) as v0; metric impressions (metrics/metrics.yml:10) as v1: over ads, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    SUM(`t`.`clicks`) AS `v0`,
    COUNT(`t`.`clicks`) AS `n0`,
    SUM(`t`.`impressions`) AS `v1`,
    COUNT(`t`.`impressions`) AS `n1`
  FROM `hw_ads` AS `t`
  WHERE
    (
      `t`.`ts` >= CAST('2024-04-01 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` < CAST('2024-04-05 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric ctr (metrics/metrics.yml:38) */
SELECT
  `f`.`period`,
  CAST(COALESCE(`g0`.`v0`, 0) AS DOUBLE) / NULLIF(CAST(COALESCE(`g0`.`v1`, 0) AS DOUBLE), 0) AS `value`,
  COALESCE(`g0`.`n1`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `g0`
  ON `g0`.`period` = `f`.`period`
