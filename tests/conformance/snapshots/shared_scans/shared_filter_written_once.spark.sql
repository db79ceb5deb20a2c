-- headway: metric arpa (metrics/metrics.yml:16)
-- grain=day by=- engine=spark spec=0f130db60efdb39a
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
    ('2024-01-01', '2024-01-02', '2024-01-02', 't', '', 't', 't'),
    ('2024-01-02', '2024-01-03', '2024-01-03', 't', '', 't', 't'),
    ('2024-01-03', '2024-01-04', '2024-01-04', 't', '', 't', 't') AS v(`period`, `period_end`, `as_of`, `requested`, `compare_period`, `c0`, `c1`)
), `g0` /* metric paid_mrr (metrics/metrics.yml:2) as v0; metric paying (metrics/metrics.yml:9) as v1: over subs, plain */ AS (
  SELECT
    CAST(`t`.`ts` AS DATE) AS `period`,
    SUM(`t`.`mrr`) AS `v0`,
    COUNT(`t`.`mrr`) AS `n0`,
    COUNT(DISTINCT `t`.`account_id`) AS `v1`,
    COUNT(`t`.`account_id`) AS `n1`
  FROM `hw_subs` AS `t`
  WHERE
    (
      (
        NOT `t`.`is_trial`
      )
    )
  GROUP BY
    CAST(`t`.`ts` AS DATE)
), `frame` /* periods x dimension values */ AS (
  SELECT
    `s`.`period`,
    `s`.`as_of`,
    `s`.`requested`,
    `s`.`compare_period`,
    `s`.`c0`,
    `s`.`c1`
  FROM `spine` AS `s`
), `result` /* metric arpa (metrics/metrics.yml:16) */ AS (
  SELECT
    `f`.`period`,
    `f`.`requested`,
    `f`.`compare_period`,
    CAST(CASE WHEN `f`.`c0` THEN COALESCE(`g0`.`v0`, 0) END AS DOUBLE) / NULLIF(CAST(CASE WHEN `f`.`c1` THEN COALESCE(`g0`.`v1`, 0) END AS DOUBLE), 0) AS `value`,
    COALESCE(`g0`.`n1`, 0) AS `n`
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
