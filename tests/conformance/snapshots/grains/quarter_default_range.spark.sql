-- headway: metric invoiced (metrics/metrics.yml:2)
-- grain=quarter by=- engine=spark spec=2bd9419eb7156cc4
WITH `spine` /* calendar: every period in range */ AS (
  SELECT
    CAST(NULLIF(`v`.`period`, '') AS DATE) AS `period`
  FROM VALUES
    ('2023-10-01'),
    ('2024-01-01'),
    ('2024-04-01') AS v(`period`)
), `l0` /* metric invoiced (metrics/metrics.yml:2) as v0: sum over invoices, plain */ AS (
  SELECT
    CAST(DATE_TRUNC('QUARTER', CAST(`t`.`issued_on` AS TIMESTAMP)) AS DATE) AS `period`,
    SUM(`t`.`amount`) AS `v0`,
    COUNT(`t`.`amount`) AS `n0`
  FROM `hw_invoices` AS `t`
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', CAST(`t`.`issued_on` AS TIMESTAMP)) AS DATE)
)
/* metric invoiced (metrics/metrics.yml:2) */
SELECT
  `f`.`period`,
  COALESCE(`l0`.`v0`, 0) AS `value`,
  COALESCE(`l0`.`n0`, 0) AS `n`
FROM `spine` AS `f`
LEFT JOIN `l0`
  ON `l0`.`period` = `f`.`period`
