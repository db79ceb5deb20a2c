-- headway: metric ctr (metrics/metrics.yml:38)
-- grain=week by=campaign engine=spark spec=29821c834b27e810
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`,
    `v`.`c0` = 't' AS `c0`,
    `v`.`c1` = 't' AS `c1`
  FROM VALUES
    ('2024-04-01', '2024-04-08', '2024-04-08', 't', '', 't', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`, `c1`)
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
    WHERE
      `spine`.`requested`
  ) AS k
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`,
    `s`.`c1`,
    `k`.`d0`
  FROM `spine` AS `s`
  CROSS JOIN `dim_keys` AS `k`
), `result` /* metric ctr (metrics/metrics.yml:38) */ AS (
  SELECT
    `f`.`period`,
    `f`.`requested`,
    `f`.`compare_period`,
    `f`.`d0`,
    CAST(CASE WHEN `f`.`c0` THEN COALESCE(`g0`.`v0`, 0) END AS DOUBLE) / NULLIF(CAST(CASE WHEN `f`.`c1` THEN COALESCE(`g0`.`v1`, 0) END AS DOUBLE), 0) AS `value`,
    COALESCE(`g0`.`n1`, 0) AS `n`
  FROM `frame` AS `f`
  LEFT JOIN `g0`
    ON `g0`.`period` = `f`.`period` AND `g0`.`d0` IS NOT DISTINCT FROM `f`.`d0`
)
SELECT
  `r`.`period`,
  `r`.`d0`,
  `r`.`value`,
  `r`.`n`
FROM `result` AS `r`
WHERE
  `r`.`requested`
