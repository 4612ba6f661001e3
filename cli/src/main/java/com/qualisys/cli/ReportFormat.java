package com.qualisys.cli;

import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;

enum ReportFormat {
    text, json, markdown;

    String render(Report report) {
        return switch (this) {
            case text -> ReportRenderer.text(report, Colours.style());
            case json -> ReportRenderer.json(report);
            case markdown -> ReportRenderer.markdown(report);
        };
    }
}
