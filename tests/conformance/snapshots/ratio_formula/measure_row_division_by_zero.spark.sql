-- headway: metric avg_row_cpc (metrics/metrics.yml:26)
-- grain=day by=- engine=spark spec=29821c834b27e810
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-04-01'),
    ('2024-04-02'),
    ('2024-04-03') AS v(`period`)
), `l0` /* metric avg_row_cpc (metrics/metrics.yml:26) as v0: avg over ads, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    AVG(CAST(`t`.`cost` AS DOUBLE) / NULLIF(CAST(NULLIF(`t`.`clicks`, 0) AS DOUBLE), 0)) AS `v0`,
    COUNT(CAST(`t`.`cost` AS DOUBLE) / NULLIF(CAST(NULLIF(`t`.`clicks`, 0) AS DOUBLE), 0)) AS `n0`
  FROM `hw_ads` AS `t`
  WHERE
    (
      `t`.`ts` >= CAST('2024-04-01 00:00:00' AS TIMESTAMP)
    )
    AND (
      `t`.`ts` < CAST('2024-04-04 00:00:00' AS TIMESTAMP)
    )
  GROUP BY
    CAST(`t`.`ts` AS DATE)
)
/* metric avg_row_cpc (metrics/metrics.yml:26) */
SELECT
  `f`.`period`,
  `l0`.`v0` AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
