-- headway: metric ctr (metrics/metrics.yml:38)
-- grain=week by=campaign engine=spark spec=29821c834b27e810
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2024-04-01') AS v(`period`)
), `g0` /* metric clicks (metrics/metrics.yml:2) as v0; metric impressions (metrics/metrics.yml:10) as v1: over ads, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE) AS `period`,
    `t`.`campaign` AS `d0`,
    SUM(`t`.`clicks`) AS `v0`,
    COUNT(`t`.`clicks`) AS `n0`,
    SUM(`t`.`impressions`) AS `v1`,
    COUNT(`t`.`impressions`) AS `n1`
  FROM `hw_ads` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `t`.`ts`) AS DATE),
    `t`.`campaign`
), `dim_keys` /* every dimension value seen in range */ AS (
  SELECT
    `k`.`d0`
  FROM (
    SELECT DISTINCT
      `g0`.`d0`
    FROM `g0`
    INNER JOIN `spine`
      ON `g0`.`period` = `spine`.`period`
  ) AS k
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `k`.`d0`
  FROM `spine` AS `s`
  CROSS JOIN `dim_keys` AS `k`
)
/* metric ctr (metrics/metrics.yml:38) */
SELECT
  `f`.`period`,
  `f`.`d0`,
  CAST(COALESCE(`g0`.`v0`, 0) AS DOUBLE) / NULLIF(CAST(COALESCE(`g0`.`v1`, 0) AS DOUBLE), 0) AS `value`,
  COALESCE(`g0`.`n1`, 0) AS `n`
FROM `frame` AS `f`
LEFT JOIN `g0`
  ON `g0`.`period` = `f`.`period` AND `g0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
