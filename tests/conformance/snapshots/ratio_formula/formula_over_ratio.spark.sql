-- headway: metric ctr_points_plus (metrics/metrics.yml:46)
-- grain=day by=- engine=spark spec=29821c834b27e810
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`,
    CAST(NULLIF(`v`.`period_end`, '') AS DATE) AS `period_end`,
    CAST(NULLIF(`v`.`as_of`, '') AS DATE) AS `as_of`,
    `v`.`requested` = 't' AS `requested`,
    CAST(NULLIF(`v`.`compare_period`, '') AS DATE) AS `compare_period`,
    `v`.`c0` = 't' AS `c0`,
    `v`.`c1` = 't' AS `c1`,
    `v`.`c2` = 't' AS `c2`
  FROM VALUES
    ('2024-04-01', '2024-04-02', '2024-04-02', 't', '', 't', 't', 't'),
    ('2024-04-02', '2024-04-03', '2024-04-03', 't', '', 't', 't', 't'),
    ('2024-04-03', '2024-04-04', '2024-04-04', 't', '', 't', 't', 't'),
    ('2024-04-04', '2024-04-05', '2024-04-05', 't', '', 't', 't', 't'),
    ('2024-04-05', '2024-04-06', '2024-04-06', 't', '', 't', 't', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`, `c1`, `c2`)
), `g0` /* metric clicks (metrics/metrics.yml:2) as v0; metric impressions (metrics/metrics.yml:10) as v1; metric cost (metrics/metrics.yml:18) as v2: over ads, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    SUM(`t`.`clicks`) AS `v0`,
    COUNT(`t`.`clicks`) AS `n0`,
    SUM(`t`.`impressions`) AS `v1`,
    COUNT(`t`.`impressions`) AS `n1`,
    SUM(`t`.`cost`) AS `v2`,
    COUNT(`t`.`cost`) AS `n2`
  FROM `hw_ads` AS `t`
  GROUP BY
    CAST(`t`.`ts` AS DATE)
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`,
    `s`.`c1`,
    `s`.`c2`
  FROM `spine` AS `s`
), `result` /* metric ctr_points_plus (metrics/metrics.yml:46) */ AS (
  SELECT
    `f`.`period`,
    `f`.`requested`,
    `f`.`compare_period`,
    CAST(100 * (
      CAST(CAST(CASE WHEN `f`.`c0` THEN COALESCE(`g0`.`v0`, 0) END AS DOUBLE) AS DOUBLE) / NULLIF(
        CAST(NULLIF(CAST(CASE WHEN `f`.`c1` THEN COALESCE(`g0`.`v1`, 0) END AS DOUBLE), 0) AS DOUBLE),
        0
      )
    ) + CAST((
      CASE WHEN `f`.`c2` THEN COALESCE(`g0`.`v2`, 0) END
    ) AS DOUBLE) / NULLIF(
      CAST((
        (
          CASE WHEN `f`.`c0` THEN COALESCE(`g0`.`v0`, 0) END
        ) - 2
      ) AS DOUBLE),
      0
    ) AS DOUBLE) AS `value`,
    GREATEST(COALESCE(`g0`.`n1`, 0), COALESCE(`g0`.`n2`, 0), COALESCE(`g0`.`n0`, 0)) AS `n`
  FROM `frame` AS `f`
  LEFT JOIN `g0`
    ON `g0`.`period` = `f`.`period`
)
SELECT
  `r`.`period`,
  `r`.`value`,
  `r`.`n`
FROM `result` AS `r`
WHERE
  `r`.`requested`
