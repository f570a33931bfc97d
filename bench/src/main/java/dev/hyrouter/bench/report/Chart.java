package dev.hyrouter.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** Draws each benchmark against the baseline with JFreeChart: calibrated time as a percentage of the baseline's. */
public final class Chart {
    private Chart() {
    }

    /**
     * Writes the chart to {@code png} and returns {@code true}, or writes nothing and returns
     * {@code false} when no benchmark has figures both here and in the baseline (an empty frame
     * would read as a chart).
     */
    public static boolean vsBaseline(List<Gate.Verdict> verdicts, String title, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        int rows = 0;
        for (Gate.Verdict v : verdicts) {
            if (v.baseline() == null || v.current() == null) {
                continue;
            }
            data.addValue(100 * v.current().ratio() / v.baseline().ratio(), "this run", v.benchmark());
            rows++;
        }
        if (rows == 0) {
            return false;
        }
        JFreeChart chart = ChartFactory.createBarChart(title, null, "time per op, % of baseline (calibrated; lower is faster)", data,
                PlotOrientation.HORIZONTAL, false, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setSeriesPaint(0, new Color(0x3B6EA5));
        renderer.setShadowVisible(false);
        ValueMarker same = new ValueMarker(100, Color.DARK_GRAY, new BasicStroke(1.5f));
        same.setLabel("baseline");
        plot.addRangeMarker(same);
        ValueMarker limit = new ValueMarker(100 * (1 + Gate.MAX_SLOWDOWN), new Color(0xC0392B), new BasicStroke(1.5f,
                BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        limit.setLabel("gate limit");
        plot.addRangeMarker(limit);
        plot.getRangeAxis().setLowerBound(0);
        plot.getRangeAxis().setUpperBound(Math.max(150, maxPercent(data) * 1.1));
        CategoryAxis axis = plot.getDomainAxis();
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        axis.setMaximumCategoryLabelWidthRatio(0.6f);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, Math.max(300, 90 + rows * 28));
        return true;
    }

    private static double maxPercent(DefaultCategoryDataset data) {
        double max = 0;
        for (int c = 0; c < data.getColumnCount(); c++) {
            Number n = data.getValue(0, c);
            if (n != null) {
                max = Math.max(max, n.doubleValue());
            }
        }
        return max;
    }
}
